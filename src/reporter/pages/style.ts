/**
 * The reporter stylesheet and the one path it is served at.
 *
 * Pure: constants, no I/O. It is the pages' only sub-resource and comes from the same origin, so
 * the pages need nothing from another origin (see ./index.ts). One rule per line, as served.
 */

/** Same-origin path of the reporter stylesheet; pages link to it and nothing else. */
export const REPORTER_CSS_PATH = '/r/assets/style.css';

/** The reporter stylesheet, served at `REPORTER_CSS_PATH` as `text/css`. */
export const REPORTER_CSS = [
  '*,*::before,*::after{box-sizing:border-box}',
  'html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;' +
    'color:#1b1b1b;background:#fff}',
  'body{margin:0}',
  'main,.site{max-width:42rem;margin:0 auto;padding:1rem}',
  '.site{color:#444}',
  '.org{font-weight:700;font-size:1.125rem;margin:0}',
  '.skip{position:absolute;left:-999px}',
  '.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}',
  '.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;' +
    'clip:rect(0 0 0 0);white-space:nowrap}',
  'h1{font-size:1.75rem;line-height:1.2}',
  'h2{font-size:1.25rem;margin-top:2rem}',
  'a{color:#1d4ed8}',
  'a:focus,button:focus,input:focus,textarea:focus{outline:3px solid #f59e0b;outline-offset:2px}',
  '.notice,.panel{border-left:6px solid #1d4ed8;background:#eef2ff;padding:.75rem 1rem;' +
    'margin:1rem 0}',
  '.field{margin:1.5rem 0}',
  '.field-error{border-left:4px solid #b91c1c;padding-left:.75rem}',
  'label,legend{display:block;font-weight:600}',
  'fieldset{border:0;padding:0;margin:0}',
  '.hint{color:#555;margin:.25rem 0}',
  '.error{color:#b91c1c;font-weight:600;margin:.25rem 0}',
  '.error-summary{border:4px solid #b91c1c;padding:1rem;margin:1rem 0}',
  '.error-summary a{color:#b91c1c;font-weight:600}',
  '.choice{display:grid;grid-template-columns:auto 1fr;column-gap:.5rem;align-items:start;' +
    'margin:.375rem 0}',
  '.choice label{font-weight:400}',
  '.choice .hint{grid-column:2;margin:0}',
  'input[type=text],input[type=date],textarea{width:100%;font:inherit;padding:.5rem;' +
    'border:2px solid #1b1b1b}',
  'textarea{min-height:8rem}',
  'button{font:inherit;font-weight:600;padding:.625rem 1.25rem;border:0;background:#166534;' +
    'color:#fff;cursor:pointer}',
  'button.secondary{background:#e5e7eb;color:#1b1b1b}',
  '.credentials dt{font-weight:600;margin-top:1rem}',
  '.credentials dd{margin:0}',
  '.credential{display:inline-block;font-family:ui-monospace,Menlo,Consolas,monospace;' +
    'font-size:1.5rem;letter-spacing:.08em;padding:.25rem .5rem;border:2px dashed #1b1b1b;' +
    'word-break:break-all}',
  '.thread{list-style:none;padding:0}',
  '.thread li{border:1px solid #d1d5db;padding:.75rem 1rem;margin:.75rem 0}',
  '.thread .from-you{background:#f0fdf4}',
  '.meta{color:#555;margin:0 0 .5rem}',
  '.body,.minutes{white-space:pre-wrap;overflow-wrap:anywhere}',
  '.inline{display:inline}',
].join('\n');

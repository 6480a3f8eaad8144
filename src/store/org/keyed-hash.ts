/**
 * The keyed hash under which an organisation stores every secret it hands out: session tokens,
 * TOTP login challenges, recovery codes, invitation tokens. Pure: no I/O.
 *
 * These secrets carry at least 128 bits from a CSPRNG, so a slow password hash buys nothing;
 * an HMAC under the server-side SERVER_SECRET is the standard choice (PLATFORM.md, "Hashing
 * secrets"). The purpose prefix keeps a value hashed for one use from matching in another.
 */
import { hmacSha256Hex } from '../../auth/tokens';

/** HMAC-SHA-256 (hex) of `purpose:secret` under the server secret. */
export function keyedHash(serverSecret: string, purpose: string, secret: string): string {
  return hmacSha256Hex(serverSecret, `${purpose}:${secret}`);
}

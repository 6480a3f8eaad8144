export default {
  async fetch(): Promise<Response> {
    return Response.json({ status: 'ok' });
  },
};
export class CaseObject {}
export class OrgObject {}

/** Where the client gets the user's access token: a fixed string, or a function asked
 * before every request and (re)connection, so a refreshed Supabase session is used. */
export type TokenSource = string | (() => string | Promise<string>);

export async function resolveToken(source: TokenSource): Promise<string> {
  return typeof source === "string" ? source : await source();
}

/** Where the platform is and who is signed in.
 *
 * The page is served by the dev launcher, which answers `/config.json` (the gateway's and
 * notifier's URLs) and, on the embedded default only, `POST /dev/token` (an access token
 * for its demo user). The token lives in sessionStorage: closing the tab signs out.
 */
export interface AppConfig {
  gatewayUrl: string;
  notifierUrl: string;
  devSignIn: boolean;
}

export interface Session {
  token: string;
  userId: string;
}

const STORAGE_KEY = "echo.session";

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch("/config.json");
  if (!response.ok) throw new Error(`No platform configuration (HTTP ${response.status}).`);
  return (await response.json()) as AppConfig;
}

export function storedSession(): Session | undefined {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  return raw ? (JSON.parse(raw) as Session) : undefined;
}

export async function devSignIn(): Promise<Session> {
  const response = await fetch("/dev/token", { method: "POST" });
  if (!response.ok) throw new Error(`Sign-in refused (HTTP ${response.status}).`);
  const body = (await response.json()) as { access_token: string; user_id: string };
  const session = { token: body.access_token, userId: body.user_id };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  return session;
}

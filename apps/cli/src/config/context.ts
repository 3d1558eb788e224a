import { ConfigStore, type Profile } from './config-store';

export const DEFAULT_ENDPOINT = 'http://localhost:3000';

export interface GlobalOptions {
  endpoint?: string;
  token?: string;
  profile?: string;
  json?: boolean;
  quiet?: boolean;
}

export interface Connection {
  endpoint: string;
  token?: string;
  profileName: string;
  profile?: Profile;
  /** Where the endpoint and the token came from, for `whoami` and error messages. */
  endpointSource: string;
  tokenSource?: string;
}

/**
 * Endpoint: --endpoint, MODELHUB_ENDPOINT, the profile, HF_ENDPOINT, then localhost:3000.
 * Token: --token, MODELHUB_TOKEN, the profile's (only for the profile's own endpoint: a stored
 * login is never sent to another host), then HF_TOKEN.
 */
export function resolveConnection(opts: GlobalOptions, store = new ConfigStore(), env = process.env): Connection {
  const config = store.read();
  const profileName = opts.profile ?? env.MODELHUB_PROFILE ?? config.current ?? 'default';
  const profile = config.profiles[profileName];
  const pick = (...candidates: [string | undefined, string][]) => candidates.find(([v]) => v);
  const [endpoint, endpointSource] = pick(
    [opts.endpoint, '--endpoint'],
    [env.MODELHUB_ENDPOINT, 'MODELHUB_ENDPOINT'],
    [profile?.endpoint, `profile ${profileName}`],
    [env.HF_ENDPOINT, 'HF_ENDPOINT'],
  ) ?? [DEFAULT_ENDPOINT, 'default'];
  const normalized = normalizeEndpoint(endpoint!);
  const profileToken = profile?.token && normalizeEndpoint(profile.endpoint) === normalized ? profile.token : undefined;
  const token = pick([opts.token, '--token'], [env.MODELHUB_TOKEN, 'MODELHUB_TOKEN'], [profileToken, `profile ${profileName}`], [env.HF_TOKEN, 'HF_TOKEN']);
  return { endpoint: normalized, token: token?.[0], tokenSource: token?.[1], profileName, profile, endpointSource };
}

export function normalizeEndpoint(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`'${url}' is not a URL (example: http://localhost:3000)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`'${url}' is not an http(s) URL`);
  return u.toString().replace(/\/+$/, '');
}

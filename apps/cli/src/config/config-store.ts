import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Profile {
  endpoint: string;
  token?: string;
  username?: string;
}

export interface ConfigFile {
  /** The profile used when no --profile is given. */
  current?: string;
  profiles: Record<string, Profile>;
}

/** $XDG_CONFIG_HOME/modelhub (or ~/.config/modelhub): the logins, one file, mode 0600. */
export function configDir(env = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'modelhub');
}

/** $XDG_CACHE_HOME/modelhub (or ~/.cache/modelhub): resumable upload state. */
export function cacheDir(env = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'modelhub');
}

export class ConfigStore {
  readonly file: string;

  constructor(dir = configDir()) {
    this.file = path.join(dir, 'config.json');
  }

  read(): ConfigFile {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Partial<ConfigFile>;
      return { current: parsed.current, profiles: parsed.profiles ?? {} };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
      throw new Error(`Cannot read ${this.file}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Writes through a temporary file created 0600, so the token is never readable by others, even briefly. */
  write(config: ConfigFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.file);
  }

  saveProfile(name: string, profile: Profile, makeCurrent: boolean): void {
    const config = this.read();
    config.profiles[name] = profile;
    if (makeCurrent || !config.current) config.current = name;
    this.write(config);
  }

  /** Removes the profile's token (the endpoint stays); false when it had none. */
  forgetToken(name: string): boolean {
    const config = this.read();
    const profile = config.profiles[name];
    if (!profile?.token) return false;
    delete profile.token;
    delete profile.username;
    this.write(config);
    return true;
  }
}

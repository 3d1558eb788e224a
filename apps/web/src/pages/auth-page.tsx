import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorBox } from '../components/error-box';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import type { User } from '../types';

/** Sign in (username or email) and sign up: the hub answers with the session cookie, never a token. */
export function AuthPage({ mode }: { mode: 'signIn' | 'signUp' }) {
  const { t } = useI18n();
  const { setUser } = useSession();
  const { route } = useLocation();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const value = (k: string) => String(form.get(k) ?? '');
    setBusy(true);
    setError(null);
    try {
      const body =
        mode === 'signIn'
          ? { login: value('login'), password: value('password') }
          : { username: value('username'), email: value('email'), password: value('password') };
      const res = await api<{ user: User }>(mode === 'signIn' ? '/api/v1/auth/session' : '/api/v1/auth/session/register', { method: 'POST', body });
      setUser(res.user);
      route('/');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const title = t(mode === 'signIn' ? 'auth.signInTitle' : 'auth.signUpTitle');
  return (
    <main class="narrow">
      <h1>{title}</h1>
      <form onSubmit={submit} aria-label={title}>
        {mode === 'signIn' ? (
          <label>
            {t('auth.login')}
            <input name="login" autocomplete="username" required />
          </label>
        ) : (
          <>
            <label>
              {t('auth.username')}
              <input name="username" autocomplete="username" required minLength={2} maxLength={39} />
            </label>
            <label>
              {t('auth.email')}
              <input name="email" type="email" autocomplete="email" required />
            </label>
          </>
        )}
        <label>
          {t('auth.password')}
          <input
            name="password"
            type="password"
            autocomplete={mode === 'signIn' ? 'current-password' : 'new-password'}
            required
            minLength={mode === 'signUp' ? 8 : 1}
          />
        </label>
        {error != null && <ErrorBox error={error} />}
        <button type="submit" disabled={busy}>
          {t(mode === 'signIn' ? 'auth.signInButton' : 'auth.signUpButton')}
        </button>
      </form>
      <p>{mode === 'signIn' ? <a href="/join">{t('auth.noAccount')}</a> : <a href="/login">{t('auth.haveAccount')}</a>}</p>
    </main>
  );
}

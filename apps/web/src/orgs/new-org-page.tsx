import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorBox } from '../components/error-box';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import type { User } from '../types';

/** `/organizations/new`: you become its owner; the session's organizations are read again. */
export function NewOrgPage() {
  const { t } = useI18n();
  const { user, setUser } = useSession();
  const { route } = useLocation();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!user)
    return <main class="narrow">{user === null ? <a href="/login">{t('access.signInToRequest')}</a> : <span class="muted">{t('loading')}</span>}</main>;
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const get = (k: string) => String(form.get(k) ?? '');
    const body = { name: get('name'), kind: get('kind'), ...(get('displayName') ? { displayName: get('displayName') } : {}) };
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/orgs', { method: 'POST', body });
      setUser(await api<User>('/api/v1/me'));
      route(`/${body.name}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="narrow">
      <h1>{t('org.newTitle')}</h1>
      <form onSubmit={submit} aria-label={t('org.newTitle')}>
        <label>
          {t('org.name')}
          <input name="name" required minLength={2} maxLength={39} pattern="[A-Za-z0-9][A-Za-z0-9\-]*" />
        </label>
        <label>
          {t('org.displayName')}
          <input name="displayName" maxLength={100} />
        </label>
        <label>
          {t('org.kind')}
          <select name="kind">
            {(['company', 'research', 'community'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`org.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {error != null && <ErrorBox error={error} />}
        <button type="submit" disabled={busy}>
          {t('org.create')}
        </button>
      </form>
    </main>
  );
}

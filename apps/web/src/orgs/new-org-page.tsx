import { useLocation } from 'preact-iso';
import { api } from '../api';
import { ErrorBox } from '../components/error-box';
import { SignInGate } from '../components/sign-in-gate';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import type { User } from '../types';
import { useSubmit } from '../use-submit';

/** `/organizations/new`: you become its owner; the session's organizations are read again. */
export function NewOrgPage() {
  const { t } = useI18n();
  const { setUser } = useSession();
  const { route } = useLocation();
  const { busy, error, onSubmit } = useSubmit(async (form) => {
    const get = (k: string) => String(form.get(k) ?? '');
    const body = { name: get('name'), kind: get('kind'), ...(get('displayName') ? { displayName: get('displayName') } : {}) };
    await api('/api/v1/orgs', { method: 'POST', body });
    setUser(await api<User>('/api/v1/me'));
    route(`/${body.name}`);
  });
  return (
    <SignInGate>
      {() => (
        <main class="narrow">
          <h1>{t('org.newTitle')}</h1>
          <form onSubmit={onSubmit} aria-label={t('org.newTitle')}>
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
      )}
    </SignInGate>
  );
}

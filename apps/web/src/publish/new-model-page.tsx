import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorBox } from '../components/error-box';
import { useI18n } from '../i18n';
import { adminOrgs } from '../licensing/access-panel';
import { useSession } from '../session';

/** `/new`: a model in one's own namespace or an organization one administers, with its visibility. */
export function NewModelPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const { route } = useLocation();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (user === undefined) return <main class="muted">{t('loading')}</main>;
  if (user === null)
    return (
      <main class="narrow">
        <p>
          <a href="/login">{t('access.signInToRequest')}</a>
        </p>
      </main>
    );
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const body = { namespace: String(form.get('namespace')), name: String(form.get('name')), visibility: String(form.get('visibility')) };
    setBusy(true);
    setError(null);
    try {
      await api('/api/v1/models', { method: 'POST', body });
      route(`/${body.namespace}/${body.name}/upload/main`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="narrow">
      <h1>{t('newModel.title')}</h1>
      <form onSubmit={submit} aria-label={t('newModel.title')}>
        <label>
          {t('newModel.namespace')}
          <select name="namespace">
            <option value={user.username}>{user.username}</option>
            {adminOrgs(user).map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('newModel.name')}
          <input name="name" required maxLength={96} pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" />
        </label>
        <fieldset>
          <legend>{t('settings.visibility')}</legend>
          {(['public', 'gated', 'private'] as const).map((v) => (
            <label class="check" key={v}>
              <input type="radio" name="visibility" value={v} checked={v === 'public'} />
              {t(`visibility.${v}`)}
            </label>
          ))}
        </fieldset>
        {error != null && <ErrorBox error={error} />}
        <button type="submit" disabled={busy}>
          {t('newModel.create')}
        </button>
      </form>
    </main>
  );
}

import { useLocation } from 'preact-iso';
import { api } from '../api';
import { ErrorBox } from '../components/error-box';
import { OrgOptions } from '../components/org-options';
import { SignInGate } from '../components/sign-in-gate';
import { useI18n } from '../i18n';
import { adminOrgs } from '../licensing/access-panel';
import { useSession } from '../session';
import { useSubmit } from '../use-submit';

/** `/new`: a model in one's own namespace or an organization one administers, with its visibility. */
export function NewModelPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const { route } = useLocation();
  const { busy, error, onSubmit } = useSubmit(async (form) => {
    const body = { namespace: String(form.get('namespace')), name: String(form.get('name')), visibility: String(form.get('visibility')) };
    await api('/api/v1/models', { method: 'POST', body });
    route(`/${body.namespace}/${body.name}/upload/main`);
  });
  return (
    <SignInGate>
      {() => (
        <main class="narrow">
          <h1>{t('newModel.title')}</h1>
          <form onSubmit={onSubmit} aria-label={t('newModel.title')}>
            <label>
              {t('newModel.namespace')}
              <select name="namespace">
                <option value={user!.username}>{user!.username}</option>
                <OrgOptions orgs={adminOrgs(user)} />
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
      )}
    </SignInGate>
  );
}

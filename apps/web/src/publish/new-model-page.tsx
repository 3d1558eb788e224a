import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorBox } from '../components/error-box';
import { OrgOptions } from '../components/org-options';
import { SignInGate } from '../components/sign-in-gate';
import { useI18n } from '../i18n';
import { adminOrgs } from '../licensing/access-panel';
import { type RepoKind, repoPath } from '../repo-kind';
import { useSession } from '../session';
import { useSubmit } from '../use-submit';

/** `/new`: a model or dataset in one's own namespace or an organization one administers, with its visibility. */
export function NewModelPage() {
  const { t } = useI18n();
  const [kind, setKind] = useState<RepoKind>('model');
  const dataset = kind === 'dataset';
  const { user } = useSession();
  const { route } = useLocation();
  const { busy, error, onSubmit } = useSubmit(async (form) => {
    const body = { namespace: String(form.get('namespace')), name: String(form.get('name')), visibility: String(form.get('visibility')) };
    await api(`/api/v1/${kind}s`, { method: 'POST', body });
    route(`${repoPath({ kind, ns: body.namespace, name: body.name })}/upload/main`);
  });
  return (
    <SignInGate>
      {() => (
        <main class="narrow">
          <h1>{t(dataset ? 'newDataset.title' : 'newModel.title')}</h1>
          <form onSubmit={onSubmit} aria-label={t(dataset ? 'newDataset.title' : 'newModel.title')}>
            <fieldset>
              <legend>{t('newRepo.kind')}</legend>
              {(['model', 'dataset'] as const).map((k) => (
                <label class="check" key={k}>
                  <input type="radio" name="kind" value={k} checked={k === kind} onChange={() => setKind(k)} />
                  {t(`newRepo.${k}`)}
                </label>
              ))}
            </fieldset>
            <label>
              {t('newModel.namespace')}
              <select name="namespace">
                <option value={user!.username}>{user!.username}</option>
                <OrgOptions orgs={adminOrgs(user)} />
              </select>
            </label>
            <label>
              {t(dataset ? 'newDataset.name' : 'newModel.name')}
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
              {t(dataset ? 'newDataset.create' : 'newModel.create')}
            </button>
          </form>
        </main>
      )}
    </SignInGate>
  );
}

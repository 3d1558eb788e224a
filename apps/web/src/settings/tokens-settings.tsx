import { useState } from 'preact/hooks';
import { api, enc } from '../api';
import { ErrorBox } from '../components/error-box';
import { formatDate, useI18n } from '../i18n';
import { useSession } from '../session';
import { useLoad } from '../use-api';
import { SecretOnce } from './secret-once';

interface Token {
  id: string;
  name: string;
  scopes: string[];
  org: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

/** `/settings/tokens`: create (scopes, organization restriction, expiry; the secret shown once), list with last use, revoke. */
export function TokensSettings() {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const [version, setVersion] = useState(0);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const state = useLoad(`tokens#${version}`, (signal) => api<Token[]>('/api/v1/tokens', { signal }));
  const create = async (e: Event) => {
    e.preventDefault();
    const formEl = e.target as HTMLFormElement;
    const form = new FormData(formEl);
    const days = String(form.get('expires') ?? '');
    const org = String(form.get('org') ?? '');
    const body = {
      name: String(form.get('name')),
      scopes: form.getAll('scope').map(String),
      ...(org ? { org } : {}),
      ...(days ? { expiresInDays: Number(days) } : {}),
    };
    setError(null);
    try {
      setSecret((await api<{ token: string }>('/api/v1/tokens', { method: 'POST', body })).token);
      formEl.reset();
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    }
  };
  const revoke = (id: string) => api(`/api/v1/tokens/${enc(id)}`, { method: 'DELETE' }).then(() => setVersion((v) => v + 1), setError);
  return (
    <section aria-labelledby="tokens-h">
      <h2 id="tokens-h">{t('settings.tokens')}</h2>
      {secret && <SecretOnce secret={secret} />}
      <form onSubmit={create} aria-label={t('tokens.create')}>
        <label>
          {t('tokens.name')}
          <input name="name" required maxLength={100} />
        </label>
        <fieldset>
          <legend>{t('tokens.scopes')}</legend>
          {['read', 'write', 'admin'].map((s) => (
            <label class="check" key={s}>
              <input type="checkbox" name="scope" value={s} checked={s === 'read'} />
              {s}
            </label>
          ))}
        </fieldset>
        <div class="grid2">
          <label>
            {t('tokens.org')}
            <select name="org">
              <option value="">{t('tokens.anyOrg')}</option>
              {(user?.orgs ?? []).map((o) => (
                <option key={o.name} value={o.name}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('tokens.expires')}
            <input name="expires" type="number" min={1} max={3650} />
          </label>
        </div>
        {error != null && <ErrorBox error={error} />}
        <button type="submit">{t('tokens.create')}</button>
      </form>
      {state.error != null && <ErrorBox error={state.error} />}
      <div class="scroll">
        <table class="files">
          <thead>
            <tr>
              <th>{t('tokens.name')}</th>
              <th>{t('tokens.scopes')}</th>
              <th>{t('tokens.org')}</th>
              <th>{t('tokens.expiresAt')}</th>
              <th>{t('tokens.lastUsed')}</th>
              <th>{t('grant.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {state.data?.map((tok) => (
              <tr key={tok.id} data-testid="token-row">
                <td>{tok.name}</td>
                <td>{tok.scopes.join(', ')}</td>
                <td>{tok.org ?? t('tokens.anyOrg')}</td>
                <td>{tok.expiresAt ? formatDate(lang, tok.expiresAt) : t('offer.noEnd')}</td>
                <td>{tok.lastUsedAt ? formatDate(lang, tok.lastUsedAt) : t('tokens.never')}</td>
                <td>
                  <button type="button" class="danger" onClick={() => void revoke(tok.id)} aria-label={t('tokens.revokeNamed', { name: tok.name })}>
                    {t('grant.revoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

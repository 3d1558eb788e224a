import { useState } from 'preact/hooks';
import { api, enc } from '../api';
import { ErrorBox } from '../components/error-box';
import { useI18n } from '../i18n';
import { useSession } from '../session';

export interface Member {
  username: string;
  role: 'owner' | 'admin' | 'member';
}
const ROLES = ['member', 'admin', 'owner'] as const;

/** Members with their roles; the organization's admins add, change and remove; the platform's administrator verifies. */
export function OrgMembers({ org, members, verified, onChange }: { org: string; members: Member[]; verified: boolean; onChange: () => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const [error, setError] = useState<unknown>(null);
  const mine = members.find((m) => m.username === user?.username)?.role;
  const manage = mine === 'admin' || mine === 'owner';
  const base = `/api/v1/orgs/${enc(org)}`;
  const call = (path: string, method: string, body?: object) => api(`${base}${path}`, { method, body }).then(onChange, setError);
  const add = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    void call('/members', 'POST', { username: String(form.get('username')), role: String(form.get('role')) });
  };
  return (
    <section aria-labelledby="members-h">
      <h2 id="members-h">{t('org.members')}</h2>
      {user?.isAdmin && (
        <button
          type="button"
          class="secondary"
          onClick={() => void api(`/api/v1/admin/orgs/${enc(org)}/${verified ? 'unverify' : 'verify'}`, { method: 'POST' }).then(onChange, setError)}
        >
          {t(verified ? 'org.unverify' : 'org.verify')}
        </button>
      )}
      <ul class="plain">
        {members.map((m) => (
          <li key={m.username} data-testid="member">
            <a href={`/${m.username}`}>{m.username}</a>{' '}
            {manage && m.username !== user?.username ? (
              <>
                <label>
                  <span class="sr-only">{t('org.roleOf', { user: m.username })}</span>
                  <select value={m.role} onChange={(e) => void call(`/members/${enc(m.username)}`, 'PATCH', { role: (e.target as HTMLSelectElement).value })}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`org.role.${r}`)}
                      </option>
                    ))}
                  </select>
                </label>{' '}
                <button
                  type="button"
                  class="secondary"
                  aria-label={t('org.removeNamed', { user: m.username })}
                  onClick={() => void call(`/members/${enc(m.username)}`, 'DELETE')}
                >
                  {t('org.remove')}
                </button>
              </>
            ) : (
              <span class="badge">{t(`org.role.${m.role}`)}</span>
            )}
          </li>
        ))}
      </ul>
      {manage && (
        <form onSubmit={add} class="inline" aria-label={t('org.addMember')}>
          <label>
            <span class="sr-only">{t('auth.username')}</span>
            <input name="username" required placeholder={t('auth.username')} />
          </label>
          <label>
            <span class="sr-only">{t('org.role')}</span>
            <select name="role">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`org.role.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">{t('org.addMember')}</button>
        </form>
      )}
      {error != null && <ErrorBox error={error} />}
    </section>
  );
}

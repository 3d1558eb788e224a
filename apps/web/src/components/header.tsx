import { useLocation } from 'preact-iso';
import { api } from '../api';
import { type Lang, useI18n } from '../i18n';
import { useNotifications, useSession } from '../session';

export function Header() {
  const { t, lang, setLang } = useI18n();
  const { user, setUser } = useSession();
  const { unread } = useNotifications();
  const { route } = useLocation();
  const signOut = async () => {
    await api('/api/v1/auth/session', { method: 'DELETE' }).catch(() => undefined);
    setUser(null);
    route('/');
  };
  return (
    <header class="top">
      <a class="brand" href="/">
        {t('brand')}
      </a>
      <nav aria-label={t('nav.main')}>
        <a href="/models">{t('nav.models')}</a>
        <a href="/datasets">{t('nav.datasets')}</a>
      </nav>
      <div class="spacer" />
      <label class="lang">
        <span class="sr-only">{t('nav.language')}</span>
        <select value={lang} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
          <option value="en">English</option>
          <option value="zh-CN">简体中文</option>
        </select>
      </label>
      {user ? (
        <span class="account">
          <a href="/new">{t('nav.newModel')}</a>
          <a href="/organizations/new">{t('nav.newOrg')}</a>
          <a href="/settings/notifications" data-testid="notifications-link" aria-label={t('nav.notifications', { n: unread })}>
            <svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16" class="icon">
              <path
                fill="currentColor"
                d="M8 16a2 2 0 0 0 2-2H6a2 2 0 0 0 2 2zm5-5V7a5 5 0 0 0-4-4.9V1a1 1 0 0 0-2 0v1.1A5 5 0 0 0 3 7v4l-1.5 1.5V13h13v-.5z"
              />
            </svg>
            {unread > 0 && <span class="badge">{unread}</span>}
          </a>
          <a href="/settings/tokens" data-testid="username">
            {user.username}
          </a>
          <button type="button" onClick={signOut}>
            {t('nav.signOut')}
          </button>
        </span>
      ) : (
        user === null && (
          <span class="account">
            <a href="/login">{t('nav.signIn')}</a>
            <a class="button" href="/join">
              {t('nav.signUp')}
            </a>
          </span>
        )
      )}
    </header>
  );
}

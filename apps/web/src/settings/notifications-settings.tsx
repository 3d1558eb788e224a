import { useState } from 'preact/hooks';
import { api, enc } from '../api';
import { ErrorBox } from '../components/error-box';
import { useI18n } from '../i18n';
import { useNotifications } from '../session';
import { useLoad } from '../use-api';

export interface NotificationItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  read: boolean;
  createdAt: string;
}

/** `/settings/notifications`: newest first, mark one or all read (the header's count follows). */
export function NotificationsSettings() {
  const { t, lang } = useI18n();
  const { refresh } = useNotifications();
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const state = useLoad(`notes#${version}`, (signal) => api<{ items: NotificationItem[]; unread: number }>('/api/v1/me/notifications?limit=50', { signal }));
  const done = () => {
    setVersion((v) => v + 1);
    refresh();
  };
  const read = (path: string) => api(path, { method: 'POST' }).then(done, setError);
  return (
    <section aria-labelledby="notes-h">
      <h2 id="notes-h">{t('settings.notifications')}</h2>
      <button type="button" class="secondary" onClick={() => void read('/api/v1/me/notifications/read')}>
        {t('notes.readAll')}
      </button>
      {error != null && <ErrorBox error={error} />}
      {state.error != null && <ErrorBox error={state.error} />}
      {state.data?.items.length === 0 && <p class="muted">{t('notes.none')}</p>}
      <ul class="plain">
        {state.data?.items.map((n) => (
          <li key={n.id} class={`request${n.read ? ' muted' : ''}`} data-testid="notification">
            <strong>{n.title}</strong> <span class="small">{new Date(n.createdAt).toLocaleString(lang)}</span>
            <div class="small">{n.body}</div>
            {!n.read && (
              <button
                type="button"
                class="secondary"
                aria-label={t('notes.markReadNamed', { title: n.title })}
                onClick={() => void read(`/api/v1/me/notifications/${enc(n.id)}/read`)}
              >
                {t('notes.markRead')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

import { useI18n } from '../i18n';
import { useSession } from '../session';
import { NotificationsSettings } from './notifications-settings';
import { TokensSettings } from './tokens-settings';
import { WebhooksSettings } from './webhooks-settings';

const SECTIONS = { tokens: TokensSettings, webhooks: WebhooksSettings, notifications: NotificationsSettings } as const;
export type SettingsSection = keyof typeof SECTIONS;

/** `/settings/{tokens|webhooks|notifications}`: the signed-in user's account. */
export function SettingsPage({ section }: { section: SettingsSection }) {
  const { t } = useI18n();
  const { user } = useSession();
  if (user === undefined) return <main class="muted">{t('loading')}</main>;
  if (user === null)
    return (
      <main class="narrow">
        <a href="/login">{t('access.signInToRequest')}</a>
      </main>
    );
  const Section = SECTIONS[section];
  return (
    <main class="with-side">
      <nav aria-label={t('settings.title')} class="facet">
        <h1>{t('settings.title')}</h1>
        <ul>
          {(Object.keys(SECTIONS) as SettingsSection[]).map((s) => (
            <li key={s}>
              <a href={`/settings/${s}`} class={s === section ? 'active' : ''} aria-current={s === section ? 'page' : undefined}>
                {t(`settings.${s}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div>
        <Section />
      </div>
    </main>
  );
}

import { useI18n } from '../i18n';
import { SignInGate } from '../components/sign-in-gate';
import { NotificationsSettings } from './notifications-settings';
import { TokensSettings } from './tokens-settings';
import { WebhooksSettings } from './webhooks-settings';

const SECTIONS = { tokens: TokensSettings, webhooks: WebhooksSettings, notifications: NotificationsSettings } as const;
export type SettingsSection = keyof typeof SECTIONS;

/** `/settings/{tokens|webhooks|notifications}`: the signed-in user's account. */
export function SettingsPage({ section }: { section: SettingsSection }) {
  const { t } = useI18n();
  const Section = SECTIONS[section];
  return (
    <SignInGate>
      {() => (
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
      )}
    </SignInGate>
  );
}

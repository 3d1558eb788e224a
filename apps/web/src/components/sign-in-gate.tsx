import { useI18n } from '../i18n';
import { useSession } from '../session';

/** A page for signed-in users only: its body once the session is known and signed in, a sign-in link otherwise. */
export function SignInGate({ children }: { children: () => preact.ComponentChildren }) {
  const { t } = useI18n();
  const { user } = useSession();
  if (user === undefined) return <main class="muted">{t('loading')}</main>;
  if (user === null)
    return (
      <main class="narrow">
        <a href="/login">{t('access.signInToRequest')}</a>
      </main>
    );
  return <>{children()}</>;
}

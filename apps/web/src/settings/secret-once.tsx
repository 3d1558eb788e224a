import { useState } from 'preact/hooks';
import { useI18n } from '../i18n';

/** A secret the hub shows once: readable, selectable, with a copy button. */
export function SecretOnce({ secret }: { secret: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <div class="status ok" role="status">
      <p>{t('settings.secretOnce')}</p>
      <code class="secret" data-testid="secret">
        {secret}
      </code>{' '}
      <button type="button" class="secondary" onClick={() => void navigator.clipboard.writeText(secret).then(() => setCopied(true))}>
        {t(copied ? 'settings.copied' : 'settings.copy')}
      </button>
    </div>
  );
}

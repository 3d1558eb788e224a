import { ApiError } from '../api';
import { useI18n } from '../i18n';

/** An API error as the hub said it, with the request id to quote; never a blank page. */
export function ErrorBox({ error }: { error: unknown }) {
  const { t } = useI18n();
  const message = error instanceof Error ? error.message : String(error);
  const requestId = error instanceof ApiError ? error.requestId : null;
  return (
    <div class="error" role="alert">
      <strong>{message}</strong>
      {requestId && <div class="muted">{t('error.requestId', { id: requestId })}</div>}
    </div>
  );
}

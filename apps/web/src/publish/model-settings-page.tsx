import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorBox } from '../components/error-box';
import { useI18n } from '../i18n';
import { type RepoKind, repoApi } from '../repo-kind';
import type { ModelInfo } from '../types';
import { useLoad } from '../use-api';

/** `/{ns}/{name}/settings`: visibility, gating, and deletion confirmed by typing the model's name. */
export function ModelSettingsPage({ ns, name, kind = 'model' }: { ns: string; name: string; kind?: RepoKind }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [confirm, setConfirm] = useState('');
  const base = repoApi({ kind, ns, name });
  const state = useLoad(`${base}#${version}`, (signal) => api<ModelInfo>(base, { signal }));
  const full = `${ns}/${name}`;
  if (state.loading) return <main class="muted">{t('loading')}</main>;
  if (state.error != null)
    return (
      <main>
        <ErrorBox error={state.error} />
      </main>
    );
  const info = state.data!;
  const save = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const visibility = String(form.get('visibility'));
    const gating = String(form.get('gated') ?? 'manual');
    setError(null);
    setSaved(false);
    try {
      await api(base, { method: 'PATCH', body: { visibility, ...(visibility === 'gated' ? { gated: gating } : {}) } });
      setSaved(true);
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (e: Event) => {
    e.preventDefault();
    try {
      await api(base, { method: 'DELETE' });
      route(`/${ns}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <main class="narrow">
      <h1>
        <a href={`/${full}`}>{full}</a> · {t('model.settings')}
      </h1>
      <form onSubmit={save} aria-label={t('settings.visibility')}>
        <fieldset>
          <legend>{t('settings.visibility')}</legend>
          {(['public', 'gated', 'private'] as const).map((v) => (
            <label class="check" key={v}>
              <input type="radio" name="visibility" value={v} checked={info.visibility === v} />
              {t(`visibility.${v}`)}
            </label>
          ))}
        </fieldset>
        <label>
          {t('settings.gating')}
          <select name="gated" value={info.gated === 'auto' ? 'auto' : 'manual'}>
            <option value="manual">{t('offer.manual')}</option>
            <option value="auto">{t('offer.auto')}</option>
          </select>
        </label>
        <button type="submit">{t('offer.save')}</button>
        {saved && (
          <p role="status" class="status ok">
            {t('settings.saved')}
          </p>
        )}
      </form>
      <form onSubmit={remove} class="danger-zone" aria-label={t('settings.delete')}>
        <h2>{t('settings.delete')}</h2>
        <label>
          {t('settings.deleteConfirm', { name: full })}
          <input value={confirm} onInput={(e) => setConfirm((e.target as HTMLInputElement).value)} autocomplete="off" />
        </label>
        <button type="submit" class="danger" disabled={confirm !== full}>
          {t('settings.deleteButton')}
        </button>
      </form>
      {error != null && <ErrorBox error={error} />}
    </main>
  );
}

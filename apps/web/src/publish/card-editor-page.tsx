import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { api, apiText, enc } from '../api';
import { ErrorBox } from '../components/error-box';
import { useI18n } from '../i18n';
import { renderCard } from '../markdown';
import { type RepoKind, repoApi, repoPath } from '../repo-kind';
import { useSubmit } from '../use-submit';

const toBase64 = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};

/** `/{ns}/{name}/edit/{rev}/README.md`: the card's Markdown beside its preview (sanitized as shown), committed to the branch. */
export function CardEditorPage({ ns, name, rev, kind = 'model' }: { ns: string; name: string; rev: string; kind?: RepoKind }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const [text, setText] = useState<string | null>(null);
  const repo = repoPath({ kind, ns, name });
  const { busy, error, setError, onSubmit } = useSubmit(async (form) => {
    const summary = String(form.get('message') ?? '') || t('editor.defaultMessage');
    await api(`${repoApi({ kind, ns, name })}/commits`, {
      method: 'POST',
      body: { branch: rev, summary, operations: [{ op: 'put', path: 'README.md', contentBase64: toBase64(text ?? '') }] },
    });
    route(repo);
  });
  useEffect(() => {
    apiText(`${repo}/resolve/${enc(rev)}/README.md`).then((s) => setText(s ?? `---\nlicense: apache-2.0\n---\n\n# ${name}\n`), setError);
  }, [ns, name, rev]);
  return (
    <main class="publish">
      <h1>
        <a href={repo}>
          {ns}/{name}
        </a>{' '}
        · {t('model.editCard')}
      </h1>
      {text === null && error == null && <p class="muted">{t('loading')}</p>}
      {text !== null && (
        <form onSubmit={onSubmit} aria-label={t('model.editCard')}>
          <div class="editor">
            <label>
              {t('editor.markdown')}
              <textarea name="card" rows={20} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} data-testid="card-editor" />
            </label>
            <section aria-label={t('editor.preview')}>
              <div class="muted small">{t('editor.preview')}</div>
              <article class="card" data-testid="card-preview" dangerouslySetInnerHTML={{ __html: renderCard(text) }} />
            </section>
          </div>
          <label>
            {t('upload.message')}
            <input name="message" maxLength={200} placeholder={t('editor.defaultMessage')} />
          </label>
          <button type="submit" disabled={busy}>
            {t('editor.save')}
          </button>
        </form>
      )}
      {error != null && <ErrorBox error={error} />}
    </main>
  );
}

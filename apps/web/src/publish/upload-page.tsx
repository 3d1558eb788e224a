import { useLocation } from 'preact-iso';
import { useRef, useState } from 'preact/hooks';
import { api, enc } from '../api';
import { ErrorBox } from '../components/error-box';
import { useI18n } from '../i18n';
import { type RepoKind, repoApi, repoPath } from '../repo-kind';
import { BrowserUploader, type UploadItem } from './browser-uploader';

/** Every file under a dropped entry (a folder is walked), at its path relative to the drop. */
async function filesOf(entry: FileSystemEntry, prefix = ''): Promise<UploadItem[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ path: prefix + entry.name, file }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries answers in batches until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    children.push(...batch);
  }
  const nested = await Promise.all(children.map((c) => filesOf(c, `${prefix}${entry.name}/`)));
  return nested.flat();
}

const pct = (done: number, total: number) => (total ? Math.round((100 * done) / total) : 100);

/** `/{ns}/{name}/upload/{rev}`: drop files or folders, see each file's progress, commit, then optionally publish a version. */
export function UploadPage({ ns, name, rev, kind = 'model' }: { ns: string; name: string; rev: string; kind?: RepoKind }) {
  const { t } = useI18n();
  const { route } = useLocation();
  const [items, setItems] = useState<UploadItem[]>([]);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [, setTick] = useState(0);
  const uploader = useRef<BrowserUploader | null>(null);
  const repo = repoPath({ kind, ns, name });

  const add = (more: UploadItem[]) => {
    uploader.current = null;
    setItems((old) => [...old.filter((o) => !more.some((m) => m.path === o.path)), ...more]);
  };
  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const entries = [...(e.dataTransfer?.items ?? [])].map((i) => i.webkitGetAsEntry()).filter((x): x is FileSystemEntry => !!x);
    if (entries.length) add((await Promise.all(entries.map((en) => filesOf(en)))).flat());
    else add([...(e.dataTransfer?.files ?? [])].map((file) => ({ path: file.name, file })));
  };
  const onPick = (e: Event) => {
    const input = e.target as HTMLInputElement;
    add([...(input.files ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file })));
    input.value = '';
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const message = String(form.get('message') ?? '') || t('upload.defaultMessage', { n: items.length });
    const version = String(form.get('version') ?? '').trim();
    const notes = String(form.get('notes') ?? '');
    uploader.current ??= new BrowserUploader({ kind, ns, name }, rev, items, () => setTick((n) => n + 1));
    setBusy(true);
    setError(null);
    try {
      const { commitId } = await uploader.current.run(message);
      if (version) await api(`${repoApi({ kind, ns, name })}/versions`, { method: 'POST', body: { name: version, notes, revision: commitId } });
      route(version ? `${repo}/tree/${enc(version)}` : repo);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const up = uploader.current;
  const overall = up?.overall;
  const failed = up?.files.some((f) => f.state === 'failed');
  return (
    <main class="publish">
      <h1>
        <a href={repo}>
          {ns}/{name}
        </a>{' '}
        · {t('upload.title')} <span class="muted">@ {rev}</span>
      </h1>
      <div
        class={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => void onDrop(e)}
      >
        <p>{t('upload.drop')}</p>
        <label class="button">
          {t('upload.pickFiles')}
          <input type="file" multiple class="sr-only" onChange={onPick} data-testid="file-input" />
        </label>{' '}
        <label class="button secondary">
          {t('upload.pickFolder')}
          <input type="file" multiple class="sr-only" onChange={onPick} {...{ webkitdirectory: '' }} />
        </label>
      </div>
      {items.length > 0 && (
        <ul class="plain upload-list" aria-label={t('upload.files')}>
          {items.map((item, i) => {
            const p = up?.files[i];
            return (
              <li key={item.path} data-testid="upload-file">
                <span class="path">{item.path}</span>{' '}
                <span class="muted small">
                  {(item.file.size / 1024 / 1024).toFixed(1)} MB{p ? ` · ${p.mode === 'lfs' ? 'LFS · ' : ''}${t(`upload.state.${p.state}`)}` : ''}
                </span>
                <progress max={100} value={p ? pct(p.done, p.size) : 0} aria-label={t('upload.progressOf', { path: item.path })} />
                {p?.error && <div class="small bad">{p.error}</div>}
              </li>
            );
          })}
        </ul>
      )}
      {overall && (
        <p>
          <label>
            {t('upload.overall', { p: pct(overall.done, overall.total) })}
            <progress data-testid="overall-progress" max={100} value={pct(overall.done, overall.total)} />
          </label>
        </p>
      )}
      <form onSubmit={submit} aria-label={t('upload.commit')}>
        <label>
          {t('upload.message')}
          <input name="message" maxLength={200} placeholder={t('upload.defaultMessage', { n: items.length })} />
        </label>
        <div class="grid2">
          <label>
            {t('upload.version')}
            <input name="version" maxLength={100} placeholder="v1.0" />
          </label>
          <label>
            {t('upload.notes')}
            <input name="notes" maxLength={10000} />
          </label>
        </div>
        {error != null && <ErrorBox error={error} />}
        <button type="submit" disabled={busy || items.length === 0}>
          {t(failed ? 'upload.resume' : 'upload.commit')}
        </button>
      </form>
    </main>
  );
}

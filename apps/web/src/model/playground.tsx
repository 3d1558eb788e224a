import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { ErrorBox } from '../components/error-box';
import { useI18n } from '../i18n';
import type { Deployment, TensorSpec } from './deployments-panel';

interface OutputTensor extends TensorSpec {
  data: unknown[];
}

interface Answer {
  outputs: OutputTensor[];
  ms: number;
  timing: ServerTiming | null;
}

/** The answer's Server-Timing: the backend's own time (`model` or `upstream`) and the hub's whole time. */
interface ServerTiming {
  backend: 'model' | 'upstream';
  backendMs: number;
  totalMs: number;
}

export function parseServerTiming(header: string | null): ServerTiming | null {
  const durations = new Map(
    (header ?? '').split(',').flatMap((metric) => {
      const m = /^\s*([\w-]+)\s*;.*\bdur=([\d.]+)/.exec(metric);
      return m ? [[m[1], Number(m[2])] as const] : [];
    }),
  );
  const backend = durations.has('model') ? 'model' : durations.has('upstream') ? 'upstream' : null;
  const totalMs = durations.get('total');
  return backend && totalMs !== undefined ? { backend, backendMs: durations.get(backend)!, totalMs } : null;
}

/** Values shown of an output; the rest are counted (a page is no place for a million floats). */
const SHOWN_VALUES = 64;
/** Snippets carry the example inline up to this size, else read it from request.json. */
const INLINE_BODY = 1500;

/** A valid value of each datatype for the example request. */
function exampleValue(datatype: string, i: number): unknown {
  if (datatype === 'BOOL') return i % 2 === 0;
  if (datatype === 'BYTES') return 'text';
  if (datatype.startsWith('FP')) return 0.5;
  return 1;
}

/** An infer request that fits the signature: every input, dynamic dimensions as 1, flat row-major data. */
export function exampleRequest(inputs: TensorSpec[]): string {
  const tensors = inputs.map((spec) => {
    const shape = spec.shape.map((d) => (d < 0 ? 1 : d));
    const count = shape.reduce((a, b) => a * b, 1);
    return { name: spec.name, shape, datatype: spec.datatype, data: Array.from({ length: count }, (_, i) => exampleValue(spec.datatype, i)) };
  });
  // One tensor a line, so the textarea stays readable and each one is easy to edit.
  return `{\n  "inputs": [\n${tensors.map((t) => `    ${JSON.stringify(t)}`).join(',\n')}\n  ]\n}`;
}

function snippets(url: string, body: string): [string, string][] {
  const inline = body.length <= INLINE_BODY;
  const compact = inline ? JSON.stringify(JSON.parse(body)) : '';
  return [
    [
      'curl',
      `curl -X POST "${url}" \\\n  -H "Authorization: Bearer $HUB_TOKEN" \\\n  -H "Content-Type: application/json" \\\n  ${inline ? `-d '${compact}'` : '-d @request.json'}`,
    ],
    [
      'Python',
      `import os, requests\n${inline ? `body = ${compact}` : 'import json\nbody = json.load(open("request.json"))'}\n` +
        `r = requests.post("${url}",\n    headers={"Authorization": f"Bearer {os.environ['HUB_TOKEN']}"}, json=body)\nr.raise_for_status()\nprint(r.json()["outputs"])`,
    ],
    [
      'JavaScript',
      `${inline ? `const body = ${compact};` : 'const body = JSON.parse(await fs.promises.readFile("request.json", "utf8"));'}\n` +
        `const res = await fetch("${url}", {\n  method: "POST",\n  headers: { Authorization: \`Bearer \${process.env.HUB_TOKEN}\`, "Content-Type": "application/json" },\n  body: JSON.stringify(body),\n});\nconsole.log((await res.json()).outputs);`,
    ],
  ];
}

/**
 * Calls a deployment from the page (the Open Inference Protocol route any client uses, with the
 * session): the request prefilled from the signature, editable; the outputs with their shapes and
 * datatypes, the latency, or the hub's error with its request id; and the same call as snippets.
 */
export function Playground({ deployment }: { deployment: Deployment }) {
  const { t } = useI18n();
  const [body, setBody] = useState(() => exampleRequest(deployment.signature!.inputs));
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const [tab, setTab] = useState(0);
  const [copied, setCopied] = useState(false);
  const url = `${location.origin}${deployment.endpoint}`;

  const run = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setAnswer(null);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      setError(new ApiError(t('play.badJson', { m: (err as Error).message }), 0, 'malformed_json', null));
      return;
    }
    setRunning(true);
    const started = performance.now();
    let timing: ServerTiming | null = null;
    try {
      const res = await api<{ outputs: OutputTensor[] }>(deployment.endpoint, {
        method: 'POST',
        body: parsed,
        onHeaders: (headers) => (timing = parseServerTiming(headers.get('Server-Timing'))),
      });
      setAnswer({ outputs: res.outputs, ms: performance.now() - started, timing });
    } catch (err) {
      setError(err);
    } finally {
      setRunning(false);
    }
  };

  let shown: [string, string][] = [];
  try {
    shown = snippets(url, body);
  } catch {
    shown = snippets(url, exampleRequest(deployment.signature!.inputs));
  }
  const copy = async () => {
    await navigator.clipboard.writeText(shown[tab][1]).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };

  return (
    <div class="playground" data-testid="playground">
      <h3 id="play-h">{t('play.title', { v: deployment.version })}</h3>
      <form onSubmit={run} aria-labelledby="play-h">
        <label for="play-body">{t('play.request')}</label>
        <p class="muted small" id="play-help">
          {t('play.help')}
        </p>
        <textarea
          id="play-body"
          rows={Math.min(14, body.split('\n').length + 1)}
          spellcheck={false}
          aria-describedby="play-help"
          value={body}
          onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)}
        />
        <div class="toolbar">
          <button type="submit" disabled={running}>
            {running ? t('play.running') : t('play.run')}
          </button>
          <button type="button" class="secondary" onClick={() => setBody(exampleRequest(deployment.signature!.inputs))}>
            {t('play.reset')}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {error != null && <ErrorBox error={error} />}
        {answer && (
          <div data-testid="play-answer">
            <p>
              <strong>{t('play.answer')}</strong> · <span data-testid="play-latency">{t('play.latency', { ms: answer.ms.toFixed(1) })}</span>
              {answer.timing && (
                <>
                  {' · '}
                  <span data-testid="play-timing" class="muted">
                    {t(answer.timing.backend === 'model' ? 'play.timing.model' : 'play.timing.upstream', {
                      backend: answer.timing.backendMs.toFixed(1),
                      total: answer.timing.totalMs.toFixed(1),
                    })}
                  </span>
                </>
              )}
            </p>
            <table class="files">
              <thead>
                <tr>
                  <th scope="col">{t('play.output')}</th>
                  <th scope="col">{t('play.datatype')}</th>
                  <th scope="col">{t('play.shape')}</th>
                  <th scope="col">{t('play.values')}</th>
                </tr>
              </thead>
              <tbody>
                {answer.outputs.map((o) => (
                  <tr key={o.name}>
                    <td>
                      <code>{o.name}</code>
                    </td>
                    <td>{o.datatype}</td>
                    <td>
                      <code>[{o.shape.join(', ')}]</code>
                    </td>
                    <td data-testid="play-values">
                      <code>{JSON.stringify(o.data.slice(0, SHOWN_VALUES))}</code>
                      {o.data.length > SHOWN_VALUES && <span class="muted"> {t('play.more', { n: o.data.length - SHOWN_VALUES })}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <h4 id="play-code-h">{t('play.code')}</h4>
      <div role="tablist" aria-labelledby="play-code-h" class="tabs">
        {shown.map(([label], i) => (
          <button
            key={label}
            type="button"
            role="tab"
            aria-selected={tab === i}
            class={tab === i ? '' : 'secondary'}
            onClick={() => {
              setTab(i);
              setCopied(false);
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <button type="button" class="secondary" onClick={() => void copy()} aria-live="polite">
        {copied ? t('play.copied') : t('play.copy', { lang: shown[tab][0] })}
      </button>
      <pre class="file" role="tabpanel" tabIndex={0} data-testid="play-snippet">
        {shown[tab][1]}
      </pre>
    </div>
  );
}

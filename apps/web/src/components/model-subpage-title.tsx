import { type RepoKind, repoPath } from '../repo-kind';

/** The heading of a model's sub-page (history, a commit, discussions): the model's name as a link, then what the page shows. */
export function ModelSubpageTitle({ ns, name, title, kind = 'model' }: { ns: string; name: string; title: string; kind?: RepoKind }) {
  return (
    <h1>
      <a href={repoPath({ kind, ns, name })}>
        {ns}/{name}
      </a>{' '}
      · {title}
    </h1>
  );
}

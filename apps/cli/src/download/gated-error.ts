import { CliError, EXIT, type HubApiError } from '../core/errors';
import { type HubClient, modelPath, type RepoRef } from '../core/hub-client';
import { priceText, type Offer } from '../commands/offer-format';

/**
 * The refusal of a gated model's files, as a message that says what to do: the open offers and
 * the command to request one (exit code 4).
 */
export async function gatedError(client: HubClient, repo: RepoRef, cause?: HubApiError): Promise<CliError> {
  const offers = await client.get<Offer[]>(`${modelPath(repo)}/offers`).catch(() => [] as Offer[]);
  const open = offers.filter((o) => o.status !== 'withdrawn');
  const lines = [
    `${repo.id} is gated: ${client.hasToken ? 'you have no licence grant for it' : 'log in (modelhub login) and request a licence'}${cause ? ` (${cause.message})` : ''}.`,
  ];
  if (open.length) {
    lines.push('Offers:');
    for (const o of open)
      lines.push(
        `  ${o.id}  ${o.title} (${o.kind === 'open' ? (o.spdxId ?? 'open') : 'custom terms'}, ${o.approval === 'auto' ? 'granted at once' : 'approved by the publisher'}, ${priceText(o.price)})`,
      );
    lines.push(`Request one: modelhub license request ${open[0].id}${open.length > 1 ? '   (or another offer id above)' : ''} [--org <your-org>]`);
  } else {
    lines.push('It has no open licence offer: ask its publisher.');
  }
  lines.push(`Then check: modelhub license status ${repo.id}`);
  return new CliError(lines.join('\n'), EXIT.forbidden, 'GatedRepo');
}

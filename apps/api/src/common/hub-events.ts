/** Events organizations can subscribe their webhooks to (docs/webhooks.md). */
export const HUB_EVENTS = [
  'license.requested',
  'license.approved',
  'license.rejected',
  'grant.revoked',
  'grant.expiring',
  'version.published',
  'model.created',
  'proposal.opened',
  'proposal.commented',
  'proposal.reviewed',
  'proposal.merged',
  'proposal.closed',
] as const;
export type HubEventName = (typeof HUB_EVENTS)[number];

/**
 * The port through which any module announces something that happened, without depending on who
 * listens: the webhooks module implements it (globally) and delivers the event to the webhooks of
 * the organizations named. Modules inject it as optional, so they work without webhooks loaded.
 */
export abstract class HubEvents {
  /**
   * Queues `event` for every webhook of `organizationIds` subscribed to it. Called after the
   * change committed; never throws (a failure to queue is logged, not the caller's problem).
   */
  abstract publish(event: HubEventName, data: Record<string, unknown>, organizationIds: (string | null | undefined)[]): Promise<void>;
}

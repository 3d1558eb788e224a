import type { OrgRole } from '@model-hub/contracts';

const RANK: Record<OrgRole, number> = { member: 1, admin: 2, owner: 3 };

/** True when `role` is at least `minimum` (owner > admin > member). */
export const roleAtLeast = (role: OrgRole | null | undefined, minimum: OrgRole) => !!role && RANK[role] >= RANK[minimum];

import type { OrganizationInfo } from '@model-hub/contracts';
import type { OrgRecord } from './org.repository';

export const presentOrg = (o: OrgRecord): OrganizationInfo => ({
  name: o.name,
  displayName: o.displayName,
  kind: o.kind,
  description: o.description,
  website: o.website,
  verified: o.verified,
  createdAt: o.createdAt.toISOString(),
});

import { Injectable } from '@nestjs/common';
import type { Me, UserSummary } from '@model-hub/contracts';
import type { Principal } from '../common/auth/principal';
import { HubException } from '../common/hub-exception';
import { UserRecord, UserRepository } from './user.repository';

export const presentUser = (u: UserRecord): UserSummary => ({ id: u.id, username: u.username, email: u.email, isAdmin: u.isAdmin });

@Injectable()
export class UsersService {
  constructor(private readonly users: UserRepository) {}

  async me(principal: Principal): Promise<Me> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw HubException.unauthorized('The account behind this token no longer exists');
    const orgs = await this.users.organizationsOf(user.id);
    return { ...presentUser(user), fullName: user.fullName, orgs: orgs.map(({ name, role }) => ({ name, role })) };
  }
}

import { Module } from '@nestjs/common';
import { NamespacesModule } from '../namespaces/namespaces.module';
import { UsersModule } from '../users/users.module';
import { AdminOrgsController } from './admin-orgs.controller';
import { OrgAccessService } from './org-access.service';
import { OrgRepository } from './org.repository';
import { OrgsController } from './orgs.controller';
import { OrgsService } from './orgs.service';

@Module({
  imports: [UsersModule, NamespacesModule],
  controllers: [OrgsController, AdminOrgsController],
  providers: [OrgsService, OrgRepository, OrgAccessService],
  exports: [OrgAccessService, OrgRepository],
})
export class OrgsModule {}

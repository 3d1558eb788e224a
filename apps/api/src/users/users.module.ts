import { Module } from '@nestjs/common';
import { UserRepository } from './user.repository';
import { UsersService } from './users.service';
import { UsersController } from './users.controller';

@Module({ controllers: [UsersController], providers: [UserRepository, UsersService], exports: [UserRepository, UsersService] })
export class UsersModule {}

import { Module } from '@nestjs/common';
import { NamespaceRepository } from './namespace.repository';

@Module({ providers: [NamespaceRepository], exports: [NamespaceRepository] })
export class NamespacesModule {}

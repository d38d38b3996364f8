import { Controller, Get } from '@nestjs/common';
import { Roles } from '../auth/security.js';
import { ClusterService, type ClusterView } from './cluster.service.js';

/** The cluster as the system administrator sees it. */
@Controller('api')
export class ClusterController {
  constructor(private readonly cluster: ClusterService) {}

  @Get('cluster')
  @Roles('SYS_ADMIN')
  view(): Promise<ClusterView> {
    return this.cluster.view();
  }
}

import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module.js';
import { repositories } from '../../database/repositories.js';
import { DeviceRepository } from './device.repository.js';
import { DeviceController } from './device.controller.js';
import { DeviceService } from './device.service.js';
import { DeviceProfileController } from './device-profile.controller.js';
import { DeviceProfileService } from './device-profile.service.js';

@Module({
  imports: [ClusterModule],
  controllers: [DeviceController, DeviceProfileController],
  providers: [...repositories(DeviceRepository), DeviceService, DeviceProfileService],
  exports: [DeviceService, DeviceRepository],
})
export class DeviceModule {}

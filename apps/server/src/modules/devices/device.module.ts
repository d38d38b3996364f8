import { Module } from '@nestjs/common';
import { ClusterModule } from '../cluster/cluster.module.js';
import { DeviceController } from './device.controller.js';
import { DeviceService } from './device.service.js';
import { DeviceProfileController } from './device-profile.controller.js';
import { DeviceProfileService } from './device-profile.service.js';

@Module({
  imports: [ClusterModule],
  controllers: [DeviceController, DeviceProfileController],
  providers: [DeviceService, DeviceProfileService],
  exports: [DeviceService],
})
export class DeviceModule {}

-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "redelivery_of_id" UUID;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_redelivery_of_id_fkey" FOREIGN KEY ("redelivery_of_id") REFERENCES "webhook_deliveries"("id") ON DELETE SET NULL ON UPDATE CASCADE;

#!/usr/bin/env bash
# An encrypted EBS volume end to end, against SseSim: create and attach with the aws CLI, write and read with
# qemu-io over NBD, snapshot, copy the snapshot to another KMS key, and restore a volume from the copy.
#
#   dotnet run --project src/SseSim.Server &
#   bash samples/ebs-volume/ebs-volume.sh [ENDPOINT] [NBD_PORT]       # needs qemu-io (Debian: qemu-utils)
set -euo pipefail

endpoint=${1:-${SSESIM_ENDPOINT:-http://127.0.0.1:4566}}
nbd_port=${2:-${SSESIM_NBD_PORT:-10809}}
nbd_host=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.urlparse(sys.argv[1]).hostname)' "$endpoint")
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
aws_() { aws --endpoint-url "$endpoint" "$@"; }
nbd() { echo "nbd://$nbd_host:$nbd_port/$1"; }
# qemu-io reports a failed pattern check on its output, so look there as well as at the exit code.
qio() {
  local out; out=$(qemu-io -f raw "$@" 2>&1) || { echo "$out" >&2; return 1; }
  echo "$out"
  if grep -qi 'failed' <<<"$out"; then return 1; fi
}
wait_snapshot() {
  for _ in $(seq 100); do
    state=$(aws_ ec2 describe-snapshots --snapshot-ids "$1" --query 'Snapshots[0].State' --output text)
    [ "$state" = completed ] && return 0
    [ "$state" = error ] && { echo "snapshot $1 failed" >&2; return 1; }
    sleep 0.2
  done
  echo "snapshot $1 did not complete" >&2; return 1
}

echo "== 1. a customer managed KMS key and an instance (the simulated hypervisor)"
key_arn=$(aws_ kms create-key --description "ebs sample" --query KeyMetadata.Arn --output text)
instance=$(aws_ ec2 run-instances --image-id ami-12345678 --count 1 --query 'Instances[0].InstanceId' --output text)
echo "key: $key_arn"; echo "instance: $instance"

echo "== 2. create an encrypted volume: EC2 asks KMS for GenerateDataKeyWithoutPlaintext"
volume=$(aws_ ec2 create-volume --availability-zone us-east-1a --size 1 --volume-type gp3 --encrypted \
  --kms-key-id "$key_arn" --query VolumeId --output text)
aws_ ec2 describe-volumes --volume-ids "$volume" --query 'Volumes[0].[VolumeId,State,Encrypted,KmsKeyId]' --output text

echo "== 3. attach: CreateGrant and Decrypt; the plaintext volume key now lives only in the instance's memory"
aws_ ec2 attach-volume --volume-id "$volume" --instance-id "$instance" --device /dev/sdf --query State --output text
aws_ ec2 describe-volumes --volume-ids "$volume" --query 'Volumes[0].State' --output text

echo "== 4. write and read blocks with qemu-io over NBD ($(nbd "$volume"))"
qio -c 'write -P 0xab 0 1M' -c flush "$(nbd "$volume")"
qio -c 'read -P 0xab 0 1M' "$(nbd "$volume")"

echo "== 5. snapshot the volume (blocks stay encrypted)"
snapshot=$(aws_ ec2 create-snapshot --volume-id "$volume" --description "ebs sample" --query SnapshotId --output text)
wait_snapshot "$snapshot"
echo "snapshot: $snapshot"

echo "== 6. copy the snapshot to another KMS key (re-encrypted under a new data key)"
other_key=$(aws_ kms create-key --description "ebs sample copy" --query KeyMetadata.Arn --output text)
copy=$(aws_ ec2 copy-snapshot --source-region "$AWS_DEFAULT_REGION" --source-snapshot-id "$snapshot" --encrypted \
  --kms-key-id "$other_key" --query SnapshotId --output text)
wait_snapshot "$copy"
aws_ ec2 describe-snapshots --snapshot-ids "$copy" --query 'Snapshots[0].[SnapshotId,Encrypted,KmsKeyId]' --output text
[ "$(aws_ ec2 describe-snapshots --snapshot-ids "$copy" --query 'Snapshots[0].KmsKeyId' --output text)" = "$other_key" ]

echo "== 7. restore a volume from the copy, attach it and read the data back"
restored=$(aws_ ec2 create-volume --availability-zone us-east-1a --snapshot-id "$copy" --query VolumeId --output text)
aws_ ec2 attach-volume --volume-id "$restored" --instance-id "$instance" --device /dev/sdg --query State --output text
qio -c 'read -P 0xab 0 1M' "$(nbd "$restored")"

echo "== 8. detach and terminate: the keys are zeroed and the exports close"
aws_ ec2 detach-volume --volume-id "$volume" --query State --output text
if qemu-io -f raw -c 'read 0 4k' "$(nbd "$volume")" >/dev/null 2>&1; then
  echo "FAILED: a detached volume is still readable" >&2; exit 1
fi
aws_ ec2 terminate-instances --instance-ids "$instance" --query 'TerminatingInstances[0].CurrentState.Name' --output text
echo "OK"

#!/usr/bin/env bash
# The classic `aws kms` practice from the KMS study notes, against SseSim:
# create a key, list and describe it, generate a data key, then encrypt and decrypt text and a file,
# base64-decoding at each step as the CLI returns blobs in base64.
#
#   dotnet run --project src/SseSim.Server &        # in another terminal
#   bash samples/aws-kms-practice/kms-practice.sh [ENDPOINT]
set -euo pipefail

endpoint=${1:-${SSESIM_ENDPOINT:-http://127.0.0.1:4566}}
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
kms() { aws --endpoint-url "$endpoint" kms "$@"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "== 1. create-key"
key_id=$(kms create-key --description "kms practice" --query KeyMetadata.KeyId --output text)
echo "KeyId: $key_id"

echo "== 2. list-keys"
kms list-keys --query "Keys[?KeyId=='$key_id'].KeyArn" --output text

echo "== 3. describe-key"
kms describe-key --key-id "$key_id" --query "KeyMetadata.[KeyState,KeySpec,KeyUsage,KeyManager]" --output text

echo "== 4. generate-data-key: a plaintext data key and the same key wrapped under the KMS key"
kms generate-data-key --key-id "$key_id" --key-spec AES_256 > datakey.json
python3 -c 'import json,sys; d=json.load(open("datakey.json")); print(d["Plaintext"]); print(d["CiphertextBlob"], file=open("wrapped.b64","w"))' > plainkey.b64
base64 --decode plainkey.b64 > plainkey.bin
base64 --decode wrapped.b64 > wrapped.bin
echo "plaintext data key: $(wc -c < plainkey.bin) bytes, wrapped data key: $(wc -c < wrapped.bin) bytes"
# Decrypting the wrapped copy gives the same plaintext key back; no key id is needed.
kms decrypt --ciphertext-blob fileb://wrapped.bin --query Plaintext --output text | base64 --decode > unwrapped.bin
cmp -s plainkey.bin unwrapped.bin && echo "decrypt(wrapped key) == plaintext data key"
rm -f plainkey.b64 plainkey.bin unwrapped.bin   # never keep a plaintext key on disk

echo "== 5. encrypt text, then decrypt it"
printf 'Hello, KMS!' > message.txt
kms encrypt --key-id "$key_id" --plaintext fileb://message.txt --query CiphertextBlob --output text > message.enc.b64
base64 --decode message.enc.b64 > message.enc
decrypted=$(kms decrypt --ciphertext-blob fileb://message.enc --query Plaintext --output text | base64 --decode)
echo "decrypted text: $decrypted"
[ "$decrypted" = "Hello, KMS!" ]

echo "== 6. encrypt a file, then decrypt it"
head -c 3000 /dev/urandom > secret.bin
kms encrypt --key-id "$key_id" --plaintext fileb://secret.bin --query CiphertextBlob --output text | base64 --decode > secret.bin.enc
kms decrypt --ciphertext-blob fileb://secret.bin.enc --query Plaintext --output text | base64 --decode > secret.bin.out
cmp secret.bin secret.bin.out && echo "file round trip: $(wc -c < secret.bin) bytes identical"

echo "OK"

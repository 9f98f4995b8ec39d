#!/bin/sh
# compose.yaml's `bucket` step: a private bucket and an Echo user limited to it (idempotent).
set -eu
mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "local/$BUCKET"
cat > /tmp/echo-policy.json <<POLICY
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:ListBucketMultipartUploads"],
   "Resource": ["arn:aws:s3:::$BUCKET"]},
  {"Effect": "Allow",
   "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
              "s3:ListMultipartUploadParts"],
   "Resource": ["arn:aws:s3:::$BUCKET/*"]}]}
POLICY
mc admin policy create local echo-bucket /tmp/echo-policy.json
mc admin user add local "$ECHO_KEY" "$ECHO_SECRET"
# Fails with "already attached" on a re-run, which is the state wanted.
mc admin policy attach local echo-bucket --user "$ECHO_KEY" || true
echo "bucket $BUCKET ready for user $ECHO_KEY"

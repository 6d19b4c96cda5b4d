# A tour of the walking skeleton: files, time, scheduled work.
help run
cat > Dockerfile <<EOF
FROM alpine:3.20
RUN echo "hello" > /greeting
EOF
ls -l
cat Dockerfile
echo "apiVersion: v1" > k8s/pod.yaml
echo "kind: Pod" >> k8s/pod.yaml
ls k8s
after 10s echo "ten seconds later"
after 45s rm k8s/pod.yaml
clock
step
run 1m
clock
history

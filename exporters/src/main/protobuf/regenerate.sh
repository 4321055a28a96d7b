#!/usr/bin/env bash
# Regenerates the ONNX protobuf classes (src/main/java/org/mleruntime/exporters/onnx/proto) from
# onnx.proto beside this script, with protoc of the same version as protobuf-java in the parent
# pom (generated code needs a runtime at least as new). protoc comes from Maven Central as a
# Maven artifact, so the only tool needed is Maven. The classes are committed because the protoc
# Maven plugins need a newer Maven than the build otherwise asks for.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exporters="$(cd "$here/../../.." && pwd)"
version="$(sed -n 's:.*<protobuf.version>\(.*\)</protobuf.version>.*:\1:p' "$exporters/../pom.xml")"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) classifier=linux-x86_64 ;;
  Linux-aarch64) classifier=linux-aarch_64 ;;
  Darwin-x86_64) classifier=osx-x86_64 ;;
  Darwin-arm64) classifier=osx-aarch_64 ;;
  *) echo "no protoc build for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
  "-Dartifact=com.google.protobuf:protoc:$version:exe:$classifier" "-DoutputDirectory=$work")
protoc="$work/protoc-$version-$classifier.exe"
chmod +x "$protoc"
out="$exporters/src/main/java"
rm -rf "$out/org/mleruntime/exporters/onnx/proto"
"$protoc" --proto_path="$here" --java_out="$out" "$here/onnx.proto"
echo "generated $(ls "$out/org/mleruntime/exporters/onnx/proto" | wc -l) classes with protoc $version"

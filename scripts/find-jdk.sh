#!/bin/sh
# Prints the home of a JDK 25 or newer (with javac) for building the engine, or fails with a clear
# message. Looks at MLE_JAVA_HOME, then JAVA_HOME, then every JDK under the system's JVM folders.
set -u

major_of() {
    release="$1/release"
    [ -f "$release" ] || return 1
    version=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$release")
    [ -n "$version" ] && echo "$version"
}

usable() {
    [ -n "$1" ] && [ -x "$1/bin/javac" ] || return 1
    major=$(major_of "$1") || return 1
    [ "$major" -ge 25 ]
}

for candidate in "${MLE_JAVA_HOME:-}" "${JAVA_HOME:-}"; do
    if usable "$candidate"; then
        echo "$candidate"
        exit 0
    fi
done

best=""
best_major=0
for candidate in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk*; do
    if usable "$candidate"; then
        major=$(major_of "$candidate")
        if [ "$major" -gt "$best_major" ]; then
            best="$candidate"
            best_major="$major"
        fi
    fi
done
if [ -n "$best" ]; then
    echo "$best"
    exit 0
fi

echo "error: no JDK 25 or newer found (looked at MLE_JAVA_HOME, JAVA_HOME and /usr/lib/jvm/*)." >&2
echo "The engine needs Java 25 (the Foreign Function & Memory API). Install a JDK 25, for example" >&2
echo "Temurin 25, and point MLE_JAVA_HOME or JAVA_HOME at it." >&2
exit 1

package org.mleruntime.format;

/**
 * The format version this code writes and the compatibility rule it reads by: any minor version
 * of major {@value #MAJOR} is accepted (unknown optional sections are skipped); another major is
 * refused with both versions named.
 */
public final class FormatVersion {
    public static final int MAJOR = 1;
    public static final int MINOR = 2;

    private FormatVersion() {}

    public static String current() {
        return MAJOR + "." + MINOR;
    }
}

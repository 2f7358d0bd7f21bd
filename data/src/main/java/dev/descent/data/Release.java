package dev.descent.data;

import java.net.URI;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A published set of files that can be downloaded: a base URL and, for each file, its name and SHA-256 digest. A
 * file is only ever placed where a reader finds it after its digest matched.
 *
 * <pre>{@code
 * Release mirror = new Release("Fashion-MNIST (our mirror)", URI.create("https://mirror.example/fashion/"),
 *         FashionMnist.RELEASE.files());     // same files, same digests, another server
 * }</pre>
 *
 * @param title a name for messages
 * @param base  the URL each file name is resolved against (ends with {@code /})
 * @param files the files, with their digests
 */
public record Release(String title, URI base, List<File> files) {
    /**
     * One file of a release.
     *
     * @param name   the file name, resolved against the base URL and used in the target directory
     * @param sha256 the SHA-256 digest of the file's bytes, 64 hexadecimal digits
     */
    public record File(String name, String sha256) {
        public File {
            if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new IllegalArgumentException("Release.File: expected a plain file name, got " + name);
            }
            if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("Release.File: expected a SHA-256 digest of 64 hex digits for "
                        + name + ", got " + sha256);
            }
            sha256 = sha256.toLowerCase(Locale.ROOT);
        }

        /** The digest as bytes. */
        byte[] digest() {
            return HexFormat.of().parseHex(sha256);
        }
    }

    public Release {
        if (title == null || base == null || files == null) throw new IllegalArgumentException("Release: null argument");
        if (!base.toString().endsWith("/")) {
            throw new IllegalArgumentException("Release: the base URL must end with '/', got " + base);
        }
        files = List.copyOf(files);
    }

    /** Where {@code file} is downloaded from. */
    public URI url(File file) {
        return base.resolve(file.name());
    }
}

package io.lakeward.launcher;

import io.lakeward.audit.verify.ExportVerifier;
import io.lakeward.audit.verify.VerificationResult;
import io.lakeward.common.error.LakewardException;
import io.lakeward.keyvault.signing.AuditPublicKey;
import io.lakeward.keyvault.signing.AuditSigningKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code lakeward audit verify <export directory or zip> [--public-key=<pem file>]}: checks an
 * export offline with nothing but the export and the audit public key (by default the one in the
 * state directory); prints the verdict, and on tampering the first bad record. Exit status 0 when
 * the export verifies, 1 when it does not, 2 for a usage error.
 * {@code lakeward audit public-key} prints the public key and its fingerprint, for auditors.
 */
final class AuditCommand {
    private AuditCommand() {
    }

    static int run(List<String> arguments, Path defaultPublicKey, PrintStream out, PrintStream err) {
        if (arguments.isEmpty()) {
            return usage(err, "audit needs a command: verify or public-key");
        }
        String command = arguments.get(0);
        Path publicKey = defaultPublicKey;
        Path export = null;
        for (String argument : arguments.subList(1, arguments.size())) {
            if (argument.startsWith("--public-key=")) {
                publicKey = Path.of(argument.substring("--public-key=".length()));
            } else if (argument.startsWith("--")) {
                continue;
            } else if (export == null) {
                export = Path.of(argument);
            } else {
                return usage(err, "unexpected argument: " + argument);
            }
        }
        AuditPublicKey key;
        try {
            key = AuditPublicKey.fromPem(Files.readString(publicKey));
        } catch (NoSuchFileException e) {
            return usage(err, "no audit public key at " + publicKey + " (give one with --public-key=<file>)");
        } catch (IOException | LakewardException e) {
            return usage(err, "the audit public key " + publicKey + " is not readable: " + e.getMessage());
        }
        switch (command) {
            case "public-key" -> {
                out.print(key.toPem());
                out.println("fingerprint " + key.fingerprint());
                return 0;
            }
            case "verify" -> {
                if (export == null) {
                    return usage(err, "audit verify needs the export (a directory or a zip)");
                }
                if (!Files.exists(export)) {
                    return usage(err, "no export at " + export);
                }
                try {
                    VerificationResult result = new ExportVerifier().verify(export, key);
                    out.println(result.summary());
                    if (!result.valid()) {
                        result.problems().stream().skip(1).limit(20).forEach(problem -> out.println("  also: " + problem));
                    }
                    return result.valid() ? 0 : 1;
                } catch (IOException e) {
                    err.println("lakeward: the export cannot be read: " + e.getMessage());
                    return 1;
                }
            }
            default -> {
                return usage(err, "unknown audit command: " + command);
            }
        }
    }

    static Path defaultPublicKey(StateDirectory state) {
        return state.auditSigningKey().resolve(AuditSigningKey.PUBLIC_KEY_FILE);
    }

    private static int usage(PrintStream err, String problem) {
        err.println("lakeward: " + problem);
        err.println("usage: lakeward audit verify <export directory or zip> [--public-key=<pem file>]");
        err.println("       lakeward audit public-key [--platform.state-dir=<dir>]");
        return 2;
    }
}

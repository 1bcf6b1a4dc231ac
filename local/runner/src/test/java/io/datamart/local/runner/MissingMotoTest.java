package io.datamart.local.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.datamart.local.ProjectFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each command that starts moto, on a machine whose Python lacks it: one line saying how to install it. */
class MissingMotoTest {

    /** A python3 first on PATH that runs without site-packages, so it cannot import moto. */
    private static Path pythonWithoutMoto(Path dir) throws IOException, InterruptedException {
        Process which = new ProcessBuilder("sh", "-c", "command -v python3").start();
        String python = new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        which.waitFor();
        Path shim = dir.resolve("python3");
        Files.writeString(shim, "#!/bin/sh\nexec " + python + " -S \"$@\"\n");
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"bin/local-api", "bin/invoke CreateDatamartFunction events/create/http-api.json",
        "bin/bench 1 1"})
    void stopsWithOneLineSayingHowToInstallIt(String command, @TempDir Path dir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(ProjectFiles.root().toFile());
        builder.environment().put("PATH", pythonWithoutMoto(dir) + ":" + System.getenv("PATH"));
        Process process = builder.start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(60, TimeUnit.SECONDS);

        assertEquals(2, process.exitValue(), stderr);
        assertEquals("error: moto is not installed: pip install 'moto[server]' (moto 5.x, Python 3)\n", stderr);
        assertEquals("", stdout);
    }
}

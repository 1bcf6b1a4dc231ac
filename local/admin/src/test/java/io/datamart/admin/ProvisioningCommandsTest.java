package io.datamart.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.admin.LocalAdmin.Run;
import io.datamart.persistence.ParkedDatamartRepository;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** bin/admin provisioning parked and release, on what the provisioning function parks. */
class ProvisioningCommandsTest {
    private static LocalAdmin local;

    @BeforeAll
    static void startLocalAws() {
        local = LocalAdmin.start();
    }

    private static ParkedDatamartRepository parked() {
        return new ParkedDatamartRepository(local.client(), "ParkedDatamartsTable", Clock.systemUTC());
    }

    @Test
    void listsWhatTheProvisioningFunctionParkedAndReleasesIt() {
        String organization = LocalAdmin.newOrganization();
        parked().park(organization, "sales-analytics", "msg-1", "failed 5 tries; last failure: throttled");

        Run listed = local.admin("provisioning", "parked", "--org", organization);
        assertEquals(0, listed.exitCode(), listed.toString());
        assertTrue(listed.stdout().startsWith("DATAMART"), listed.stdout());
        assertTrue(listed.stdout().contains("sales-analytics") && listed.stdout().contains("msg-1")
                && listed.stdout().contains("failed 5 tries"), listed.stdout());

        Run released = local.admin("provisioning", "release", "--org", organization, "--name", "sales-analytics");
        assertEquals(0, released.exitCode(), released.toString());
        assertTrue(released.stderr().contains("Released datamart sales-analytics of organization " + organization)
                && released.stderr().contains("behind message msg-1"), released.stderr());
        assertTrue(parked().find(organization, "sales-analytics").isEmpty(), "the function lets requests run again");

        Run again = local.admin("provisioning", "release", "--org", organization, "--name", "sales-analytics");
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.stderr().contains("is not parked"), again.stderr());
    }

    @Test
    void saysSoWhenNothingIsParked() {
        Run listed = local.admin("provisioning", "parked", "--org", LocalAdmin.newOrganization());
        assertEquals(0, listed.exitCode());
        assertEquals("", listed.stdout());
        assertTrue(listed.stderr().startsWith("No datamart of organization"), listed.stderr());
    }

    @Test
    void namesTheOptionWhenTheTableDoesNotExist() {
        Run run = local.admin("provisioning", "parked", "--org", "o", "--parked-table", "NoSuchTable");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("table 'NoSuchTable' does not exist") && run.stderr().contains(
                "--parked-table"), run.stderr());
    }
}

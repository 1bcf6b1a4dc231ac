package io.datamart.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.datamart.admin.LocalAdmin.Run;
import io.datamart.persistence.ProducerGrantRepository;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** bin/admin producer grant, revoke and list, against the test AWS, read back by the provisioning function's repository. */
class ProducerCommandsTest {
    private static LocalAdmin local;

    @BeforeAll
    static void startLocalAws() {
        local = LocalAdmin.start();
    }

    private static ProducerGrantRepository grants() {
        return new ProducerGrantRepository(local.client(), "ProducerGrantsTable", Clock.systemUTC());
    }

    @Test
    void grantsListsAndRevokesWhatTheProvisioningFunctionReads() {
        String organization = LocalAdmin.newOrganization();

        Run granted = local.admin("producer", "grant", "--org", organization, "--producer", "role:AROABILLING");
        assertEquals(0, granted.exitCode(), granted.toString());
        assertTrue(granted.stderr().contains("Granted role:AROABILLING to act for organization " + organization),
                granted.stderr());
        assertEquals(0, local.admin("producer", "grant", "--org", organization, "--producer",
                "source:datamart.producer.billing").exitCode());
        assertTrue(grants().mayActFor("role:AROABILLING", organization));
        assertFalse(grants().mayActFor("role:AROABILLING", LocalAdmin.newOrganization()), "that organization only");

        Run listed = local.admin("producer", "list", "--org", organization);
        assertEquals(0, listed.exitCode(), listed.toString());
        assertTrue(listed.stdout().startsWith("PRODUCER"), listed.stdout());
        assertTrue(listed.stdout().contains("role:AROABILLING") && listed.stdout().contains(
                "source:datamart.producer.billing"), listed.stdout());

        Run revoked = local.admin("producer", "revoke", "--org", organization, "--producer", "role:AROABILLING");
        assertEquals(0, revoked.exitCode(), revoked.toString());
        assertFalse(grants().mayActFor("role:AROABILLING", organization));
        Run again = local.admin("producer", "revoke", "--org", organization, "--producer", "role:AROABILLING");
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.stderr().contains("has no grant"), again.stderr());
    }

    @Test
    void saysSoWhenNoProducerMayAct() {
        Run listed = local.admin("producer", "list", "--org", LocalAdmin.newOrganization());
        assertEquals(0, listed.exitCode());
        assertEquals("", listed.stdout());
        assertTrue(listed.stderr().startsWith("No producer may act for organization"), listed.stderr());
    }

    @ParameterizedTest
    @ValueSource(strings = {"AROABILLING", "role:", "role:aroa lower", "source:com.example.tenants", "source:", "x"})
    void refusesAProducerNameThatNoSenderCouldHave(String producer) {
        Run run = local.admin("producer", "grant", "--org", LocalAdmin.newOrganization(), "--producer", producer);
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().contains("--producer must be role:<role id>"), run.stderr());
    }
}

package org.mleruntime.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mleruntime.backend.CpuBackend;
import org.mleruntime.backend.CpuKernelProvider;
import org.mleruntime.ops.OperatorFamily;
import org.mleruntime.ops.OperatorSet;

/** The operator families as the engine finds them: complete, each in its own package, each operator documented under its family. */
class OperatorFamiliesTest {
    private static final Pattern FAMILY_SECTION = Pattern.compile("^## .*\\(`(\\w+)`\\)$");

    @Test
    void everyOperatorHasACpuKernelAndEveryKernelAnOperator() {
        assertEquals(OperatorSet.names(), new TreeSet<>(CpuBackend.operators()).stream().toList());
        assertTrue(OperatorSet.names().size() >= 60, "operators found: " + OperatorSet.names().size());
    }

    @Test
    void eachFamilyLivesInItsOwnPackageAndProvidesItsOwnCpuKernels() {
        List<String> families = new ArrayList<>();
        for (OperatorFamily f : ServiceLoader.load(OperatorFamily.class)) {
            assertEquals("org.mleruntime.operators." + f.name(), f.getClass().getPackageName());
            assertTrue(f instanceof CpuKernelProvider, f.name() + " has no CPU kernels");
            families.add(f.name());
        }
        assertEquals(families.size(), new TreeSet<>(families).size(), "a family is listed twice: " + families);
        for (String op : OperatorSet.names()) {
            assertTrue(families.contains(OperatorSet.family(op)), op + " comes from no listed family");
        }
    }

    @Test
    void theOperatorReferenceDocumentsEachOperatorUnderItsFamily() throws IOException {
        Map<String, String> documentedIn = new HashMap<>();
        String section = null;
        for (String line : Files.readAllLines(Path.of("../docs/OPERATORS.md"))) {
            Matcher m = FAMILY_SECTION.matcher(line);
            if (m.matches()) {
                section = m.group(1);
            } else if (line.startsWith("## ")) {
                section = null;
            } else if (line.startsWith("### ")) {
                for (String op : line.substring(4).split(",")) {
                    documentedIn.put(op.trim(), section);
                }
            }
        }
        for (String op : OperatorSet.names()) {
            assertEquals(OperatorSet.family(op), documentedIn.get(op), "docs/OPERATORS.md: the section of operator " + op);
        }
        assertEquals(new TreeSet<>(OperatorSet.names()), new TreeSet<>(documentedIn.keySet()), "documented operators");
    }
}

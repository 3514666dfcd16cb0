package dev.xidlab.plan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;

/**
 * The plan's text as a tree of {@link LocatedNode}s, the one layer that knows YAML and JSON: the blocks read meaning
 * from the tree and never see the parser, so a syntax error and a wrong value are reported the same way.
 */
final class PlanTree {

    private PlanTree() {
    }

    /** The plan's one document, a mapping; its syntax errors carry the file and line. */
    static LocatedNode parse(String text, String file, boolean json) throws PlanException {
        LocatedNode root;
        JsonFactory factory = json ? new JsonFactory() : new YAMLFactory();
        JsonParser parser = null;
        try (JsonParser p = factory.createParser(text)) {
            parser = p;
            if (p.nextToken() == null) {
                throw new PlanException(file + ": the plan is empty");
            }
            root = LocatedNode.read(p, file);
            if (p.nextToken() != null) {
                throw new PlanException(file + " line " + p.currentTokenLocation().getLineNr()
                        + ": more than one document");
            }
        } catch (StreamConstraintsException e) {
            // The parser's own limits (nesting, a number's length) come without a location: the parser has it.
            String where = parser == null ? "" : " line " + parser.currentLocation().getLineNr();
            throw new PlanException(file + where + ": not a plan: " + (e.getMessage().contains("nesting depth")
                    ? "lists or mappings nested more than " + StreamReadConstraints.defaults().getMaxNestingDepth()
                    + " levels deep" : e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new PlanException(file + (e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr())
                    + ": " + e.getOriginalMessage().lines().findFirst().orElse("syntax error"));
        } catch (IOException e) {
            throw new PlanException(file + ": " + e.getMessage());
        }
        if (root.kind != LocatedNode.Kind.OBJECT) {
            throw new NodeValues(file).error(root, "the plan must be a mapping of keys to values");
        }
        return root;
    }
}

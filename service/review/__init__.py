"""The reviewer's workbench: Chinese display texts, table summaries, the annotated workbook, the decision store, the page logic."""

fn main() {
    workbook_trace::init_terminal();
    chapter_06::run_scenario();
}

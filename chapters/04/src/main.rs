fn main() {
    workbook_trace::init_terminal();
    chapter_04::run_scenario();
}
